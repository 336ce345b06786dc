from crm.organizations.models import Organization


def test_factories_work(records, make_user):
    owner = make_user()
    org = records.org(owner)
    contact = records.contact(owner, org)
    meeting = records.meeting(owner, [org], contact_ids=[contact])
    action = records.action(owner, organization_id=org)
    assert records.get(Organization, org).last_contact_at is not None
    assert meeting and action
