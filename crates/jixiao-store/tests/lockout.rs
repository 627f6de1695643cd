//! The login lockout as computed from the audit log, with times set explicitly (no waiting 15 minutes):
//! 5 failures of an account within 15 minutes lock it for 15 minutes after the last one; 20 from one
//! address lock the address; a success or an admin's unlock lifts an account lock early.

use jixiao_store::*;

const MIN: i64 = 60_000;

async fn fail(store: &Store, user: &str, client: &str, at: i64) {
    store
        .audit_at(
            &AuditEntry {
                actor_id: None,
                action: AuditAction::LoginFailed,
                subject: user,
                detail: "",
                client,
            },
            at,
        )
        .await
        .unwrap();
}

async fn lockout(store: &Store) {
    let p = LockPolicy::default();
    let t0 = 1_800_000_000_000;
    // Four failures: not locked.
    for i in 0..4 {
        fail(store, "clerk", "10.0.0.1", t0 + i * MIN).await;
    }
    assert_eq!(
        store
            .login_lock("clerk", "10.0.0.1", t0 + 4 * MIN, &p)
            .await
            .unwrap(),
        None
    );
    // The fifth within 15 minutes locks the account (from any address) for 15 minutes after it.
    fail(store, "clerk", "10.0.0.2", t0 + 5 * MIN).await;
    let lock = store
        .login_lock("clerk", "10.0.0.9", t0 + 6 * MIN, &p)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        lock,
        Lock {
            reason: LockReason::Account,
            until: t0 + 20 * MIN
        }
    );
    assert!(
        store
            .login_lock("clerk", "10.0.0.9", t0 + 20 * MIN - 1, &p)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .login_lock("clerk", "10.0.0.9", t0 + 20 * MIN, &p)
            .await
            .unwrap(),
        None,
        "the lock ends by itself"
    );
    // Other accounts are not affected.
    assert_eq!(
        store
            .login_lock("reviewer", "10.0.0.9", t0 + 6 * MIN, &p)
            .await
            .unwrap(),
        None
    );

    // Five failures spread over more than 15 minutes do not lock.
    for i in 0..5 {
        fail(store, "slow", "10.0.1.1", t0 + i * 4 * MIN).await;
    }
    assert_eq!(
        store
            .login_lock("slow", "10.0.1.1", t0 + 17 * MIN, &p)
            .await
            .unwrap(),
        None
    );

    // An admin's unlock lifts the lock; so does a successful login (failures before it stop counting).
    for i in 0..5 {
        fail(store, "locked", "10.0.2.1", t0 + i * 1000).await;
    }
    assert!(
        store
            .login_lock("locked", "", t0 + MIN, &p)
            .await
            .unwrap()
            .is_some()
    );
    let unlock = AuditEntry {
        actor_id: None,
        action: AuditAction::Unlocked,
        subject: "locked",
        detail: "",
        client: "",
    };
    store.audit_at(&unlock, t0 + MIN).await.unwrap();
    assert_eq!(
        store
            .login_lock("locked", "", t0 + MIN + 1, &p)
            .await
            .unwrap(),
        None
    );
    fail(store, "locked", "10.0.2.1", t0 + 2 * MIN).await;
    assert_eq!(
        store
            .login_lock("locked", "", t0 + 2 * MIN + 1, &p)
            .await
            .unwrap(),
        None,
        "one failure after the unlock"
    );

    // Twenty failures from one address on different accounts lock the address, for every account.
    for i in 0..20 {
        fail(
            store,
            &format!("guess{i}"),
            "10.9.9.9",
            t0 + 30 * MIN + i * 1000,
        )
        .await;
    }
    let lock = store
        .login_lock("anyone", "10.9.9.9", t0 + 31 * MIN, &p)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lock.reason, LockReason::Client);
    assert_eq!(lock.until, t0 + 30 * MIN + 19 * 1000 + 15 * MIN);
    assert_eq!(
        store
            .login_lock("anyone", "10.9.9.8", t0 + 31 * MIN, &p)
            .await
            .unwrap(),
        None,
        "other addresses may still sign in"
    );

    // The log lists newest first, with the actor's name where there is one.
    let bureau = store
        .create_org("财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let admin = store
        .create_user(&NewUser {
            username: "admin",
            display_name: "管理员",
            password_hash: "h",
            role: Role::Admin,
            org_id: bureau.id,
        })
        .await
        .unwrap();
    store
        .audit(&AuditEntry {
            actor_id: Some(admin.id),
            action: AuditAction::RoleChanged,
            subject: "clerk",
            detail: "单位填报人 → 主管部门审核人",
            client: "",
        })
        .await
        .unwrap();
    let log = store.audit_log(3, 0).await.unwrap();
    assert_eq!(log[0].action, "role_changed");
    assert_eq!(log[0].actor.as_deref(), Some("admin"));
    assert_eq!(log[1].actor, None);
    assert_eq!(
        AuditAction::parse(&log[0].action).unwrap().label(),
        "变更角色或机构"
    );
    assert_eq!(
        store.count_audit().await.unwrap(),
        4 + 1 + 5 + 5 + 1 + 1 + 20 + 1
    );

    // Role changes reach the user.
    store
        .set_user_role(admin.id, Role::Finance, bureau.id)
        .await
        .unwrap();
    assert_eq!(
        store.user(admin.id).await.unwrap().unwrap().role,
        Role::Finance
    );
    assert!(matches!(
        store.set_user_role(999, Role::Finance, bureau.id).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn lockout_on_sqlite() {
    lockout(&Store::connect("sqlite::memory:").await.unwrap()).await;
}

#[tokio::test]
async fn lockout_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    lockout(&Store::connect(&url).await.unwrap()).await;
}
