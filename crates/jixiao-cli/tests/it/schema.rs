//! One JSON form of a project with its evaluation (schema `jixiao-evaluation`): `jixiao eval --json`,
//! the API's `/api/v1/projects/{id}/evaluation` and the open-data export of the seed validate against
//! the schema `jixiao schema evaluation` prints, and against the OpenAPI document's, and say the same.

use crate::support;

use assert_cmd::Command;
use reqwest::Client;
use serde_json::{Value, json};
use support::{Server, api_token};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/panyu-2022.toml"
);

fn jixiao_json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("jixiao")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[tokio::test]
async fn eval_api_and_open_data_are_one_shape() {
    let schema = jixiao_json(&["schema", "evaluation"]);
    assert_eq!(schema["title"], "jixiao-evaluation");

    let from_cli = jixiao_json(&["eval", "--json", SEED]);

    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("open.json");
    Command::cargo_bin("jixiao")
        .unwrap()
        .args([
            "report",
            "--format",
            "json",
            "-o",
            export.to_str().unwrap(),
            SEED,
        ])
        .assert()
        .success();
    let from_export: Value = serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();

    let server = Server::start(&dir.path().join("db.sqlite"), true);
    let token = api_token(&server.base, "danwei1").await;
    let client = Client::new();
    let project: Value = toml::from_str(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    let created: Value = client
        .post(format!("{}/api/v1/projects", server.base))
        .bearer_auth(&token)
        .json(&json!({ "project": project }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().expect("created");
    let get = |path: String| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            client
                .get(path)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let from_api = get(format!("{}/api/v1/projects/{id}/evaluation", server.base)).await;
    let openapi = get(format!("{}/api/openapi.json", server.base)).await;

    for (what, doc) in [
        ("eval --json", &from_cli),
        ("API", &from_api),
        ("open data", &from_export),
    ] {
        assert_valid(&schema, doc, what);
        // The OpenAPI document publishes the same schema (its parts under components/schemas).
        let mut via_openapi = openapi.clone();
        via_openapi["$ref"] = json!("#/components/schemas/Evaluation");
        assert_valid(&via_openapi, doc, what);
    }
    // The same values, field for field.
    assert_eq!(from_cli, from_api);
    assert_eq!(from_cli, from_export);
    assert_eq!(from_cli["evaluation"]["total"], "100");
    assert_eq!(from_cli["funds"]["executed"]["amount"], "14.53");

    // The schema is not a formality: a score written as a binary float is refused.
    let mut float = from_cli.clone();
    float["evaluation"]["total"] = json!(100.0);
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&float));
    let mut unknown = from_cli.clone();
    unknown["findings"][0]["code"] = json!("no-such-code");
    assert!(!validator.is_valid(&unknown));
}
