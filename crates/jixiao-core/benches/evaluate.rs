//! Scoring and checking one project (the 番禺 seed: 6 indicators), separately and together.
//! Run: `cargo bench -p jixiao-core --bench evaluate`; projects/s = 1 / time per iteration.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao_core::{Policy, Project, evaluate, findings, scoring};

fn bench(c: &mut Criterion) {
    let project: Project =
        toml::from_str(include_str!("../../../examples/panyu-2022.toml")).unwrap();
    let policy = Policy::default_policy();
    let evaluation = evaluate(&project, &policy);
    let mut group = c.benchmark_group("project");
    group.throughput(Throughput::Elements(1));
    group.bench_function("score", |b| {
        b.iter(|| {
            let p = black_box(&project);
            let execution = scoring::score_execution(&p.funds, &policy);
            let indicators: Vec<_> = p
                .indicators
                .iter()
                .map(|i| scoring::score_indicator(i, &policy, p.project.year))
                .collect();
            (execution, indicators)
        })
    });
    group.bench_function("check", |b| {
        b.iter(|| findings::check(black_box(&project), black_box(&evaluation), &policy))
    });
    group.bench_function("evaluate (score + check)", |b| {
        b.iter(|| evaluate(black_box(&project), &policy))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
