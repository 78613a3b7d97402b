"""The ledger is insert-only in the database too, not only by convention: on PostgreSQL a
trigger refuses every UPDATE and DELETE of a score entry (a correction is a reversing entry).
The one exception: the demo backdates ``created_at`` in a transaction that sets
``hall.ledger_backdate`` (``appraisal.demo._allow_backdating``).

SQLite (the demo's database) gets no trigger: Django's test flush there empties tables with
DELETE, which the trigger would refuse. TRUNCATE (PostgreSQL's flush) is not a row operation
and stays possible for the operator.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION appraisal_scoreentry_insert_only() RETURNS trigger AS $$
BEGIN
    -- The demo alone backdates when its lines were recorded: it asks for it in its own
    -- transaction and may change nothing else.
    IF TG_OP = 'UPDATE' AND current_setting('hall.ledger_backdate', true) = 'on'
       AND (to_jsonb(NEW) - 'created_at') = (to_jsonb(OLD) - 'created_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'score entries are insert-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Correct an entry with a reversing entry.';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER appraisal_scoreentry_insert_only
    BEFORE UPDATE OR DELETE ON appraisal_scoreentry
    FOR EACH ROW EXECUTE FUNCTION appraisal_scoreentry_insert_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS appraisal_scoreentry_insert_only ON appraisal_scoreentry;
DROP FUNCTION IF EXISTS appraisal_scoreentry_insert_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0003_month_close_requested")]

    operations = [migrations.RunPython(forward, backward)]
