//! `jixiao import -o DIR` with projects whose names try to leave DIR: the output files are named after the
//! input files, and nothing is written outside DIR.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_project_names_write_nothing_outside_the_output_directory() {
    let sandbox = tempfile::tempdir().unwrap();
    let inputs = sandbox.path().join("in");
    let out = sandbox.path().join("a/b/out");
    std::fs::create_dir_all(&inputs).unwrap();
    let example = std::fs::read_to_string(root().join("examples/panyu-2022.toml")).unwrap();
    let unique = format!("jixiao-escape-{}", std::process::id());
    let names = [
        "../../逃逸".to_string(),
        format!("../../../../../../../../tmp/{unique}"),
        format!("/tmp/{unique}-abs"),
        "..\\..\\windows".to_string(),
        "CON".to_string(),
        "a/../../b".to_string(),
    ];
    let mut args = vec!["import".to_string()];
    for (i, name) in names.iter().enumerate() {
        let text = example.replacen(
            "name = \"产业人才发展专项资金\"",
            &format!("name = {}", toml_str(name)),
            1,
        );
        assert_ne!(text, example);
        let file = inputs.join(format!("p{i}.toml"));
        std::fs::write(&file, text).unwrap();
        args.push(file.to_str().unwrap().into());
    }
    args.extend(["-o".into(), out.to_str().unwrap().into()]);
    let res = Command::cargo_bin("jixiao")
        .unwrap()
        .current_dir(&inputs)
        .args(&args)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );

    let written = files_under(sandbox.path());
    let expected_out: Vec<PathBuf> = (0..names.len())
        .map(|i| PathBuf::from(format!("a/b/out/p{i}.toml")))
        .collect();
    let expected_in: Vec<PathBuf> = (0..names.len())
        .map(|i| PathBuf::from(format!("in/p{i}.toml")))
        .collect();
    let mut expected = [expected_in, expected_out].concat();
    expected.sort();
    assert_eq!(
        written, expected,
        "only the inputs and one file per project inside the output directory"
    );
    assert!(
        !Path::new(&format!("/tmp/{unique}.toml")).exists()
            && !Path::new(&format!("/tmp/{unique}-abs.toml")).exists()
    );
    // The names themselves are kept as data.
    for (i, name) in names.iter().enumerate() {
        let p = jixiao_io::load(&out.join(format!("p{i}.toml"))).unwrap();
        assert_eq!(&p.project.name, name);
    }
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
