"""The Markdown table for the README, and the targets of the issue with PASS/FAIL."""

FLOOR_MULTIPLE = 3


def table(results):
    floor = results[0].median
    lines = ["| page | median ms | p95 ms | × floor | queries |", "|---|---:|---:|---:|---:|"]
    for result in results:
        lines.append(
            f"| {result.page.name} | {result.median:.1f} | {result.p95:.1f} "
            f"| {result.median / floor:.1f}× | {result.query_count} |"
        )
    return "\n".join(lines)


def verdict(passed):
    return "PASS" if passed else "FAIL"


def speed_checks(result, floor):
    """(target, passed) pairs for one page: below its limit and, except search and the
    pipeline, within 3× the floor. A substring search has to read every name, and the pipeline
    counts and takes medians over every action, match and organization, so the issue gives
    each a limit of its own (100 ms, 150 ms) instead of a multiple of the floor.
    """
    median, page = result.median, result.page
    checks = [(f"< {page.limit_ms} ms", median < page.limit_ms)]
    if page.relative:
        limit = FLOOR_MULTIPLE * floor
        checks.append((f"≤ {FLOOR_MULTIPLE}× floor ({limit:.1f} ms)", median <= limit))
    return checks


def targets(results, small_counts, small_label):
    """The target lines under the table, and whether every target is met."""
    floor = results[0].median
    lines, all_passed = [f"Targets (floor median {floor:.1f} ms):", ""], True
    for result in results[1:]:
        small = small_counts[result.page.path]
        checks = [
            *speed_checks(result, floor),
            (
                f"queries constant ({result.query_count} here, {small} on {small_label})",
                result.query_count == small,
            ),
        ]
        all_passed = all_passed and all(passed for _, passed in checks)
        verdicts = "; ".join(f"{target}: **{verdict(passed)}**" for target, passed in checks)
        lines.append(f"- {result.page.name}, median {result.median:.1f} ms — {verdicts}")
    constant = all(r.query_count == small_counts[r.page.path] for r in results)
    lines += ["", f"Query counts constant across data-set sizes: {'yes' if constant else 'no'}"]
    return "\n".join(lines), all_passed
