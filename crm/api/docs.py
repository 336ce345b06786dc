"""The OpenAPI 3.1 document, generated from the collections' declarations and their forms
(crm/api/resources.py, crm/api/schema.py), and its reference page (Swagger UI, vendored)."""

from flask import current_app, g, render_template, request, url_for

from crm.api import schema
from crm.api.blueprint import bp
from crm.api.endpoints import MOVE_SCHEMAS, PREFIX, offered
from crm.api.problems import TITLES
from crm.api.resources import RESOURCES, column_schema, is_record, shown_columns
from crm.api.webhooks import event_types


class Reader:
    """Who the document is written for: the forms read the user for their defaults and
    choices, and a manager sees every field (a point of contact's forms have fewer)."""

    id = 0
    timezone = "UTC"
    language = "en"
    is_manager = is_admin = is_authenticated = is_active = True
    is_anonymous = False


PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current": {"type": "object"},
        "duplicates": {"type": "array", "items": {"type": "string"}},
    },
}
PROBLEM_REF = "#/components/schemas/Problem"
READ_FIELDS = {
    "id": {"type": "integer"},
    "url": {"type": "string", "format": "uri"},
}
RECORD_FIELDS = {
    "version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
}


def title(resource):
    return "".join(part.capitalize() for part in resource.name.split("_"))


def output_schema(resource):
    properties = dict(READ_FIELDS)
    if resource.writable:
        form = resource.schema_form()(formdata=None, meta=schema.NO_CSRF)
        for field in schema.edited_fields(form):
            properties[field.short_name] = schema.field_schema(field)
    else:
        for column in shown_columns(resource):
            properties[column.name] = column_schema(column)
    for name, (spec, _getter) in resource.extra.items():
        properties[name] = spec
    if is_record(resource):
        properties.update(RECORD_FIELDS)
    return {"type": "object", "properties": properties, "required": ["id", "url"]}


def input_schemas(resource):
    found = {}
    moves = MOVE_SCHEMAS.get(resource.path, {})
    if resource.writable:
        form = resource.form_class()(formdata=None, meta=schema.NO_CSRF)
        found["Create"] = schema.form_schema(form, for_create=True)
        if resource.duplicates:
            found["Create"]["properties"]["allow_duplicate"] = {
                "type": "boolean",
                "description": "Create it even when records with the same name exist (409).",
            }
        patch = schema.form_schema(form)
    else:
        patch = {"type": "object", "properties": {}, "additionalProperties": False}
    if moves:
        patch["properties"].update(moves)
        if resource.path == "matches":
            patch["properties"]["reason"] = {"type": ["string", "null"], "maxLength": 300}
    if resource.writable or moves:
        found["Patch"] = patch
    return found


def problem_responses(*codes):
    return {
        str(code): {
            "description": str(TITLES.get(code, "Error")),
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for code in codes
    }


def one_response(name, description, code="200"):
    return {
        code: {
            "description": description,
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    }


ID_PARAMETER = {
    "name": "item_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},  # any: 0 or a huge one is a 404
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the version you read; 412 when the record changed meanwhile.",
    "schema": {"type": "string"},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A retried POST with the same key returns the first answer.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
COMMON = (400, 401, 403, 429)
CURSOR = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}  # base64url, opaque


def list_parameters(resource):
    sorts = [*resource.sorts, *(f"-{name}" for name in resource.sorts)]
    parameters = [
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": sorts}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                     "maximum": 100}},
        {"name": "cursor", "in": "query", "schema": CURSOR,
         "description": "From the previous page's ``next`` link."},
    ]  # fmt: skip
    for name, spec in resource.filters.items():
        parameters.append(
            {"name": name, "in": "query", "schema": spec.schema, "description": spec.description}
        )
    return parameters


def json_body(name):
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def paths_of(resource):
    name = title(resource)
    tag = [resource.label]
    collection, item = {}, {}
    collection["get"] = {
        "tags": tag,
        "operationId": f"list_{resource.name}",
        "summary": f"List {resource.label.lower()}",
        "parameters": list_parameters(resource),
        "responses": {
            "200": {
                "description": "A page, and the link to the next one (null on the last page).",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["data", "next"],
                            "properties": {
                                "data": {
                                    "type": "array",
                                    "items": {"$ref": f"#/components/schemas/{name}"},
                                },
                                "next": {"type": ["string", "null"]},
                            },
                        }
                    }
                },
            },
            **problem_responses(*COMMON),
        },
    }
    item["get"] = {
        "tags": tag,
        "operationId": f"read_{resource.name}",
        "parameters": [ID_PARAMETER],
        "responses": {**one_response(name, "The record"), **problem_responses(*COMMON, 404)},
    }
    if offered(resource, "create"):
        collection["post"] = {
            "tags": tag,
            "operationId": f"create_{resource.name}",
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": json_body(f"{name}Create"),
            "responses": {
                **one_response(name, "Created", "201"),
                **problem_responses(*COMMON, 409, 415, 422),
            },
        }
    if offered(resource, "update"):
        item["patch"] = {
            "tags": tag,
            "operationId": f"update_{resource.name}",
            "parameters": [ID_PARAMETER, IF_MATCH],
            "requestBody": json_body(f"{name}Patch"),
            "responses": {
                **one_response(name, "Saved"),
                **problem_responses(*COMMON, 404, 412, 415, 422, 428),
            },
        }
    if offered(resource, "delete"):
        item["delete"] = {
            "tags": tag,
            "operationId": f"delete_{resource.name}",
            "parameters": [ID_PARAMETER, IF_MATCH],
            "responses": {
                "204": {"description": "Moved to the trash"},
                **problem_responses(*COMMON, 404, 412, 428),
            },
        }
    paths = {f"{PREFIX}/{resource.path}": collection, f"{PREFIX}/{resource.path}/{{item_id}}": item}
    if offered(resource, "restore"):
        paths[f"{PREFIX}/{resource.path}/{{item_id}}/restore"] = {
            "post": {
                "tags": tag,
                "operationId": f"restore_{resource.name}",
                "parameters": [ID_PARAMETER],
                "responses": {
                    **one_response(name, "Restored from the trash"),
                    **problem_responses(*COMMON, 404, 409),
                },
            }
        }
    return paths


def document():
    schemas = {"Problem": PROBLEM}
    paths = {}
    for resource in RESOURCES:
        name = title(resource)
        schemas[name] = output_schema(resource)
        for suffix, spec in input_schemas(resource).items():
            schemas[name + suffix] = spec
        paths.update(paths_of(resource))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Zubia API",
            "version": "1",
            "description": (
                "JSON over HTTP for organizations, contacts, meetings, actions, matches, visits, "
                "events, sectors and users. Authenticate with a personal access token "
                "(`Authorization: Bearer zubia_pat_…`). PATCH and DELETE need `If-Match` with "
                "the record's ETag. Errors are RFC 9457 problem details. Webhook events: "
                + ", ".join(event_types())
                + "."
            ),
        },
        "servers": [{"url": request.url_root.rstrip("/")}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.route(PREFIX + "/openapi.json", endpoint="openapi")
def openapi():
    g._login_user = Reader()  # see Reader; no session is read for this document
    response = current_app.json.response(document())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(PREFIX + "/docs", endpoint="docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api.openapi"))
