-- The project list pages through any number of projects by keyset (the sort keys of the last row
-- shown): each sort and the year filter most lists carry have an index to walk.
CREATE INDEX projects_updated ON projects(updated_at, id);
CREATE INDEX projects_year_updated ON projects(year, updated_at, id);
CREATE INDEX projects_name ON projects(name, id);
CREATE INDEX projects_year_total ON projects(year, total_centi, id);
CREATE INDEX projects_total ON projects(total_centi, id);
CREATE INDEX projects_status_year ON projects(status, year);
