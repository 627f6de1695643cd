-- Who did what to accounts and permissions: logins (and failed ones, which also drive the lockout),
-- logouts, password changes, user and organisation changes by admins. Rows are only ever appended.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    -- The signed-in user who acted; NULL for anonymous events (a failed login).
    actor_id BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    -- The account or object concerned (the username for logins).
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    -- The client address the request came from ('' when unknown).
    client TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(action, subject, at);
CREATE INDEX audit_log_client ON audit_log(action, client, at);
CREATE INDEX audit_log_at ON audit_log(at);
