-- 绩效信息公开. Whether the finance bureau publishes its review (复核得分, findings) with a unit's reports.
ALTER TABLE orgs ADD COLUMN publish_review BIGINT NOT NULL DEFAULT 0;

-- One row per publication (a revision written by the move to 已公开): what the public site lists,
-- filters, searches and counts, without reading each revision's data. Derived from the revisions
-- (rebuilt when missing, e.g. after a restore), so backups do not carry it.
CREATE TABLE publications (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    revision BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    department_id BIGINT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- The grade and total the unit published (自评等级, 自评得分), or the computed ones when it stated none.
    grade TEXT NOT NULL,
    total_centi BIGINT NOT NULL,
    annual_fen BIGINT NOT NULL,
    executed_fen BIGINT NOT NULL,
    -- Project name, goals and organisation names: what the public search looks in.
    search TEXT NOT NULL,
    -- 更正说明 when this publication corrects an earlier one, else empty.
    correction TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    -- 1 on each project's newest publication.
    latest BIGINT NOT NULL,
    PRIMARY KEY (project_id, revision)
);
CREATE INDEX publications_latest_year ON publications(latest, year, published_at);
CREATE INDEX publications_published ON publications(published_at);
-- The publications a restore or an upgrade left unrecorded are found by this, not by a scan of every
-- revision (Store::refresh_publications, on every start).
CREATE INDEX revisions_publish ON revisions(project_id, number) WHERE action = 'publish';
