//! Every audited account change is written in one transaction with its audit entry: when the entry cannot
//! be written (here a trigger in the test database refuses every insert into audit_log), the change is not
//! made either; once entries can be written again, each change and its entry appear together. On SQLite and
//! PostgreSQL.

use jixiao_store::*;

const REFUSE_SQLITE: &[&str] = &[
    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log refused'); END",
];
const ALLOW_SQLITE: &[&str] = &["DROP TRIGGER refuse_audit"];
const REFUSE_POSTGRES: &[&str] = &[
    "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$",
    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
];
const ALLOW_POSTGRES: &[&str] = &["DROP TRIGGER refuse_audit ON audit_log"];

/// Runs statements on the test database beside the store (the store has no door for raw SQL).
async fn exec(url: &str, statements: &[&str]) {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(*s))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(*s))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
}

fn entry<'a>(actor: i64, action: AuditAction, subject: &'a str) -> AuditEntry<'a> {
    AuditEntry {
        actor_id: Some(actor),
        action,
        subject,
        detail: "",
        client: "10.0.0.1",
    }
}

async fn atomic(url: &str, refuse: &[&str], allow: &[&str]) {
    let store = Store::connect(url).await.unwrap();
    let bureau = store
        .create_org("财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let user = |name: &'static str, role| NewUser {
        username: name,
        display_name: name,
        password_hash: "old-hash",
        role,
        org_id: bureau.id,
    };
    let admin = store
        .create_user(&user("admin", Role::Admin))
        .await
        .unwrap();
    let clerk = store
        .create_user(&user("clerk", Role::Editor))
        .await
        .unwrap();
    store
        .create_session("clerk-session", clerk.id, "csrf", i64::MAX)
        .await
        .unwrap();
    let token = "ab".repeat(32);
    store
        .create_api_token(&token, clerk.id, "脚本")
        .await
        .unwrap();
    let orgs = store.orgs().await.unwrap().len();
    assert_eq!(store.count_audit().await.unwrap(), 0);

    exec(url, refuse).await;
    let a = admin.id;
    let refused = |r: Result<()>, what: &str| {
        let e = r.expect_err(what);
        assert!(e.to_string().contains("audit log refused"), "{what}: {e}");
    };
    refused(
        store
            .audited(entry(a, AuditAction::OrgCreated, "新机构"))
            .create_org("新机构", OrgKind::Department, Some(bureau.id))
            .await
            .map(drop),
        "org",
    );
    refused(
        store
            .audited(entry(a, AuditAction::UserCreated, "newbie"))
            .create_user(&user("newbie", Role::Editor))
            .await
            .map(drop),
        "user",
    );
    refused(
        store
            .audited(entry(a, AuditAction::PasswordReset, "clerk"))
            .set_password(clerk.id, "new-hash")
            .await,
        "password",
    );
    refused(
        store
            .audited(entry(a, AuditAction::UserDeactivated, "clerk"))
            .set_user_active(clerk.id, false)
            .await,
        "deactivate",
    );
    refused(
        store
            .audited(entry(a, AuditAction::RoleChanged, "clerk"))
            .set_user_role(clerk.id, Role::Finance, bureau.id)
            .await,
        "role",
    );
    refused(
        store
            .audited(entry(clerk.id, AuditAction::LoginOk, "clerk"))
            .create_session("login", clerk.id, "csrf", i64::MAX)
            .await,
        "login",
    );
    refused(
        store
            .audited(entry(clerk.id, AuditAction::Logout, "clerk"))
            .delete_session("clerk-session")
            .await,
        "logout",
    );
    refused(
        store
            .audited(entry(clerk.id, AuditAction::TokenCreated, "cd"))
            .create_api_token(&"cd".repeat(32), clerk.id, "另一个")
            .await,
        "token",
    );
    refused(
        store
            .audited(entry(clerk.id, AuditAction::TokenRevoked, token_id(&token)))
            .revoke_api_token(clerk.id, token_id(&token))
            .await
            .map(drop),
        "revoke",
    );
    refused(
        store
            .audited(entry(a, AuditAction::Unlocked, "clerk"))
            .record()
            .await
            .map(drop),
        "unlock",
    );

    // Nothing of it happened.
    assert_eq!(store.orgs().await.unwrap().len(), orgs);
    assert!(store.user_by_name("newbie").await.unwrap().is_none());
    assert_eq!(store.password_hash(clerk.id).await.unwrap(), "old-hash");
    let now = store.user(clerk.id).await.unwrap().unwrap();
    assert!(now.active);
    assert_eq!(now.role, Role::Editor);
    assert!(store.session("clerk-session").await.unwrap().is_some());
    assert!(store.session("login").await.unwrap().is_none());
    assert_eq!(store.api_token_user(&token).await.unwrap(), Some(clerk.id));
    assert_eq!(store.api_token_user(&"cd".repeat(32)).await.unwrap(), None);
    assert_eq!(store.count_audit().await.unwrap(), 0);

    // With the log writable again, each change comes with its entry.
    exec(url, allow).await;
    let org = store
        .audited(AuditEntry {
            detail: "主管部门",
            ..entry(a, AuditAction::OrgCreated, "新机构")
        })
        .create_org("新机构", OrgKind::Department, Some(bureau.id))
        .await
        .unwrap();
    let log = store.audit_log(1, 0).await.unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].subject.as_str()),
        ("org_created", "新机构")
    );
    assert_eq!(log[0].detail, format!("主管部门，编号 {}", org.id));
    store
        .audited(entry(clerk.id, AuditAction::LoginOk, "clerk"))
        .create_session("login", clerk.id, "csrf", i64::MAX)
        .await
        .unwrap();
    assert!(store.session("login").await.unwrap().is_some());
    store
        .audited(entry(clerk.id, AuditAction::TokenRevoked, token_id(&token)))
        .revoke_api_token(clerk.id, token_id(&token))
        .await
        .unwrap();
    assert_eq!(store.api_token_user(&token).await.unwrap(), None);
    // Revoking what is not there changes nothing and records nothing.
    assert!(
        !store
            .audited(entry(clerk.id, AuditAction::TokenRevoked, token_id(&token)))
            .revoke_api_token(clerk.id, token_id(&token))
            .await
            .unwrap()
    );
    store
        .audited(entry(a, AuditAction::PasswordReset, "clerk"))
        .set_password(clerk.id, "new-hash")
        .await
        .unwrap();
    assert_eq!(store.password_hash(clerk.id).await.unwrap(), "new-hash");
    assert!(
        store.session("login").await.unwrap().is_none(),
        "sessions end"
    );
    store
        .audited(entry(a, AuditAction::UserDeactivated, "clerk"))
        .set_user_active(clerk.id, false)
        .await
        .unwrap();
    assert!(!store.user(clerk.id).await.unwrap().unwrap().active);
    let actions: Vec<String> = store
        .audit_log(10, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user_deactivated",
            "password_reset",
            "token_revoked",
            "login_ok",
            "org_created"
        ]
    );
    // A subject typed at the login form is kept to 64 characters.
    store
        .audited(AuditEntry {
            actor_id: None,
            ..entry(0, AuditAction::LoginFailed, &"长".repeat(500))
        })
        .record()
        .await
        .unwrap();
    assert_eq!(
        store.audit_log(1, 0).await.unwrap()[0].subject,
        "长".repeat(MAX_AUDIT_SUBJECT)
    );
    store.close().await;
}

#[tokio::test]
async fn audited_changes_roll_back_without_their_entry_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("audit.db").display());
    atomic(&url, REFUSE_SQLITE, ALLOW_SQLITE).await;
}

#[tokio::test]
async fn audited_changes_roll_back_without_their_entry_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    atomic(&url, REFUSE_POSTGRES, ALLOW_POSTGRES).await;
}
