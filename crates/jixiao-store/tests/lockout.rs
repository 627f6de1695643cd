//! The login lockout as computed from the audit log, with times set explicitly (no waiting 15 minutes):
//! 5 failures of an account from one address within 15 minutes lock the account for that address for 15
//! minutes after the last one, while the same account still signs in from elsewhere; 50 failures of an
//! account from all addresses together lock it everywhere; 20 from one address lock the address; a success
//! from the same address or an admin's unlock lifts a lock early.

use jixiao_store::*;

const MIN: i64 = 60_000;

async fn fail(store: &Store, user: &str, client: &str, at: i64) {
    event(store, AuditAction::LoginFailed, user, client, at).await;
}

async fn event(store: &Store, action: AuditAction, user: &str, client: &str, at: i64) {
    store
        .audit_at(
            &AuditEntry {
                actor_id: None,
                action,
                subject: user,
                detail: "",
                client,
            },
            at,
        )
        .await
        .unwrap();
}

async fn lock(store: &Store, user: &str, client: &str, at: i64) -> Option<Lock> {
    store
        .login_lock(user, client, at, &LockPolicy::default())
        .await
        .unwrap()
}

async fn lockout(store: &Store) {
    let p = LockPolicy::default();
    let t0 = 1_800_000_000_000;
    let (a, b) = ("10.0.0.1", "10.0.0.2");
    // Four failures from address A: not locked.
    for i in 0..4 {
        fail(store, "clerk", a, t0 + i * MIN).await;
    }
    assert_eq!(lock(store, "clerk", a, t0 + 4 * MIN).await, None);
    // The fifth within 15 minutes locks the account for A, for 15 minutes after it.
    fail(store, "clerk", a, t0 + 4 * MIN).await;
    assert_eq!(
        lock(store, "clerk", a, t0 + 5 * MIN).await,
        Some(Lock {
            reason: LockReason::Account,
            until: t0 + 19 * MIN
        })
    );
    // The clerk at address B is not locked out, and signs in.
    assert_eq!(lock(store, "clerk", b, t0 + 5 * MIN).await, None);
    event(store, AuditAction::LoginOk, "clerk", b, t0 + 5 * MIN).await;
    // The clerk's success at B does not give the guesser at A a fresh start: A stays refused.
    assert_eq!(
        lock(store, "clerk", a, t0 + 6 * MIN)
            .await
            .map(|l| l.reason),
        Some(LockReason::Account)
    );
    assert!(lock(store, "clerk", a, t0 + 19 * MIN - 1).await.is_some());
    assert_eq!(
        lock(store, "clerk", a, t0 + 19 * MIN).await,
        None,
        "the lock ends by itself"
    );
    // Other accounts are not affected, at A either.
    assert_eq!(lock(store, "reviewer", a, t0 + 6 * MIN).await, None);
    // A success from A itself lifts A's lock on the account.
    for i in 0..5 {
        fail(store, "clerk", a, t0 + 30 * MIN + i * 1000).await;
    }
    assert!(lock(store, "clerk", a, t0 + 31 * MIN).await.is_some());
    event(store, AuditAction::LoginOk, "clerk", a, t0 + 31 * MIN).await;
    assert_eq!(lock(store, "clerk", a, t0 + 31 * MIN + 1).await, None);

    // Guessing spread over many addresses, 4 each (under the per-address limit) from 13 addresses: the
    // 50th failure of the account locks it everywhere, and a success somewhere does not lift that.
    let mut n = 0;
    'spread: for host in 0..13 {
        for _ in 0..4 {
            if n == p.account_total_failures {
                break 'spread;
            }
            fail(store, "boss", &format!("10.1.{host}.1"), t0 + n * 1000).await;
            n += 1;
        }
    }
    assert_eq!(n, 50);
    let everywhere = lock(store, "boss", "10.2.0.1", t0 + MIN).await.unwrap();
    assert_eq!(everywhere.reason, LockReason::AccountEverywhere);
    assert_eq!(everywhere.until, t0 + 49 * 1000 + 15 * MIN);
    event(store, AuditAction::LoginOk, "boss", "10.2.0.2", t0 + MIN).await;
    assert!(
        lock(store, "boss", "10.2.0.1", t0 + MIN + 1)
            .await
            .is_some()
    );
    event(store, AuditAction::Unlocked, "boss", "", t0 + 2 * MIN).await;
    assert_eq!(
        lock(store, "boss", "10.2.0.1", t0 + 2 * MIN + 1).await,
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
            .login_lock("locked", "10.0.2.1", t0 + MIN, &p)
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
            .login_lock("locked", "10.0.2.1", t0 + MIN + 1, &p)
            .await
            .unwrap(),
        None
    );
    fail(store, "locked", "10.0.2.1", t0 + 2 * MIN).await;
    assert_eq!(
        store
            .login_lock("locked", "10.0.2.1", t0 + 2 * MIN + 1, &p)
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
    let by_address = store
        .login_lock("anyone", "10.9.9.9", t0 + 31 * MIN, &p)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_address.reason, LockReason::Client);
    assert_eq!(by_address.until, t0 + 30 * MIN + 19 * 1000 + 15 * MIN);
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
        5 + 1 + 5 + 1 + 50 + 1 + 1 + 5 + 5 + 1 + 1 + 20 + 1
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
