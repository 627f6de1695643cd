//! Hostile project files: nesting deep enough to overflow a recursive parser, and files far larger than any
//! project. Each must end in a clear error naming the file, on a thread with a server worker's stack.

use std::path::Path;

use jixiao_io::{LoadError, MAX_PROJECT_FILE_BYTES, from_json, from_toml, load};

/// Runs `f` on a thread with a 2 MiB stack, as a tokio worker of the web server has.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no panic, no stack overflow")
}

fn message(result: Result<jixiao_core::Project, LoadError>) -> String {
    result.expect_err("hostile input cannot load").to_string()
}

const DEPTH: usize = 200_000;

#[test]
fn deeply_nested_json_is_a_clear_error() {
    for (what, text) in [
        ("arrays", "[".repeat(DEPTH)),
        ("objects", "{\"a\":".repeat(DEPTH)),
        (
            "inside a field",
            format!("{{\"project\":{{\"name\":{}", "[".repeat(DEPTH)),
        ),
    ] {
        let msg = on_small_stack(move || message(from_json(&text, Path::new("深.json"))));
        // The typed reader stops at the first value of the wrong shape, long before any depth limit.
        assert!(msg.starts_with("深.json：字段 "), "{what}: {msg}");
        assert!(
            msg.contains("类型错误") || msg.contains("未知字段"),
            "{what}: {msg}"
        );
    }
}

#[test]
fn deeply_nested_toml_is_a_clear_error() {
    for (what, text) in [
        (
            "arrays",
            format!("a = {}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        ),
        (
            "inline tables",
            format!("a = {}1{}", "{b = ".repeat(DEPTH), "}".repeat(DEPTH)),
        ),
        ("dotted keys", format!("{} = 1", vec!["k"; DEPTH].join("."))),
        (
            "in a field",
            format!(
                "[project]\nname = {}{}\n",
                "[".repeat(DEPTH),
                "]".repeat(DEPTH)
            ),
        ),
    ] {
        let msg = on_small_stack(move || message(from_toml(&text, Path::new("深.toml"))));
        assert!(msg.starts_with("深.toml："), "{what}: {msg}");
        assert!(msg.contains("嵌套层数过深"), "{what}: {msg}");
    }
}

/// A valid project padded past the limit: 17 MB of indicators.
fn enormous_toml() -> String {
    let mut text = include_str!("../../../examples/panyu-2022.toml").to_string();
    let one = "\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"走访人才\"\ntarget = \"20人次\"\nactual = \"62人次\"\nweight = 0\n";
    while (text.len() as u64) <= MAX_PROJECT_FILE_BYTES {
        text.push_str(one);
    }
    text
}

#[test]
fn an_enormous_project_file_is_refused_before_it_is_parsed() {
    let text = enormous_toml();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("巨大.toml");
    std::fs::write(&file, &text).unwrap();
    let msg = load(&file).expect_err("too large").to_string();
    assert!(
        msg.starts_with(&format!("{}：文件过大", file.display())),
        "{msg}"
    );
    assert!(msg.contains("不能超过 16 MB"), "{msg}");
    // The same limit on text that arrives without a file (uploads, the API).
    let msg = message(from_toml(&text, Path::new("巨大.toml")));
    assert!(msg.starts_with("巨大.toml：文件过大"), "{msg}");
    let json =
        serde_json::to_string_pretty(&toml::from_str::<toml::Value>(&text).unwrap()).unwrap();
    assert!(json.len() as u64 > MAX_PROJECT_FILE_BYTES);
    let msg = message(from_json(&json, Path::new("巨大.json")));
    assert!(msg.starts_with("巨大.json：文件过大"), "{msg}");
}

#[test]
fn a_large_project_under_the_limit_still_loads() {
    // Thousands of indicators are odd but not hostile: they load (the limit is on size, not content).
    let mut text = include_str!("../../../examples/panyu-2022.toml").to_string();
    let n = 5_000;
    for i in 0..n {
        text.push_str(&format!("\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"走访人才{i}\"\ntarget = \"20人次\"\nactual = \"62人次\"\nweight = 0\n"));
    }
    let p =
        on_small_stack(move || from_toml(&text, Path::new("大.toml")).map(|p| p.indicators.len()));
    assert!(p.expect("loads") > n);
}
