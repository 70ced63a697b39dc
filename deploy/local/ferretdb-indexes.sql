-- Indexes FerretDB 1.24's postgresql backend can use. Applied by postgres.sh to the ferretdb
-- database on every start; idempotent.
--
-- FerretDB pushes an equality filter down as `_jsonb -> 'field' @> value` (internal/backends/
-- postgresql/query.go, filterEqual), but builds its indexes as btree on `_jsonb -> 'field'`, and a
-- btree cannot serve `@>`: every find, update and delete, even by _id, scans the whole table. For
-- each field FerretDB indexes, this adds a GIN (jsonb_path_ops) index on the same expression, which
-- `@>` can use, so lookups by _id and by indexed fields stay fast as collections grow.

CREATE OR REPLACE FUNCTION njia_containment_indexes(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  tbl oid;
  schema_name text;
  table_name text;
  key_count int;
  key_def text;
  field text;
BEGIN
  SELECT i.indrelid, i.indnkeyatts INTO tbl, key_count
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
   WHERE i.indexrelid = btree_index AND a.amname = 'btree';
  IF tbl IS NULL THEN
    RETURN;  -- not a btree (our own GIN indexes fire this trigger too)
  END IF;
  SELECT n.nspname, c.relname INTO schema_name, table_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
  FOR k IN 1..key_count LOOP
    key_def := pg_get_indexdef(btree_index, k, false);
    field := substring(key_def FROM '^\(+_jsonb -> ''([^'']+)''::text\)+$');
    CONTINUE WHEN field IS NULL;  -- dotted paths (`#>`) are not pushed down as `->`
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops)',
      left(table_name, 44) || '_' || left(md5(field), 8) || '_njia_gin',
      schema_name, table_name, field);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION njia_on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN
    SELECT objid FROM pg_event_trigger_ddl_commands()
     WHERE command_tag = 'CREATE INDEX' AND object_type = 'index'
  LOOP
    PERFORM njia_containment_indexes(created.objid);
  END LOOP;
END $$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'njia_containment_indexes') THEN
    CREATE EVENT TRIGGER njia_containment_indexes ON ddl_command_end
      WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION njia_on_create_index();
  END IF;
END $$;

-- Collections created before the trigger existed.
SELECT njia_containment_indexes(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';

-- FerretDB passes the field name as a query parameter (`_jsonb -> $1`): a generic plan cannot match
-- it to an index expression, so always plan with the actual values.
ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;
