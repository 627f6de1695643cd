//! Parsing one project file (the 番禺 seed) from TOML and from JSON: the per-project cost of
//! `jixiao batch` over project files and JSON Lines. The xlsx import has its own bench (import_xlsx).
//! Run: `cargo bench -p jixiao-io --bench parse`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let toml_text = include_str!("../../../examples/panyu-2022.toml");
    let project = jixiao_io::from_toml(toml_text, Path::new("panyu-2022.toml")).unwrap();
    let json_line = serde_json::to_string(&project).unwrap();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    group.bench_function("project_toml", |b| {
        b.iter(|| jixiao_io::from_toml(black_box(toml_text), Path::new("panyu-2022.toml")).unwrap())
    });
    group.bench_function("project_json_line", |b| {
        b.iter(|| jixiao_io::from_json(black_box(&json_line), Path::new("panyu.jsonl:1")).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
