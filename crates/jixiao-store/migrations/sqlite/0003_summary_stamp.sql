-- The engine version and policy the list columns of a project were computed with; rows with another
-- stamp are recomputed when the store opens (Store::refresh_summaries). '' marks every existing row stale.
ALTER TABLE projects ADD COLUMN summary_stamp TEXT NOT NULL DEFAULT '';
CREATE INDEX projects_summary_stamp ON projects(summary_stamp);
