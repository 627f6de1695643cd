//! Renders the seed report (examples/panyu-2022.toml) to PDF, and to the other formats for comparison.
//! The figure is recorded in docs/documents.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_core::{Policy, evaluate};
use jixiao_report::{Format, Options, render};

fn bench(c: &mut Criterion) {
    let project = jixiao_io::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/panyu-2022.toml"),
    )
    .unwrap();
    let policy = Policy::default_policy();
    let options = Options::default();
    let evaluation = evaluate(&project, &policy);
    c.bench_function("seed report to pdf", |b| {
        b.iter(|| {
            render(
                black_box(&project),
                black_box(&evaluation),
                &policy,
                Format::Pdf,
                &options,
            )
            .unwrap()
        })
    });
    for format in [Format::Docx, Format::Xlsx, Format::Html] {
        c.bench_function(&format!("seed report to {format}"), |b| {
            b.iter(|| {
                render(
                    black_box(&project),
                    black_box(&evaluation),
                    &policy,
                    format,
                    &options,
                )
                .unwrap()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
