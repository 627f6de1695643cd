//! Imports a national-layout 自评表 (.xlsx, the 番禺 seed project: 6 indicators, merged cells) from memory.
//! Run: `cargo bench -p jixiao-io --bench import_xlsx`; files/s = 1 / time per iteration.

#[path = "../tests/common/national.rs"]
mod national;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let project = jixiao_io::load(&root.join("examples/panyu-2022.toml")).unwrap();
    let bytes = national::workbook(&[&project], national::Unit::Wan);
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(1));
    group.bench_function("national_xlsx", |b| {
        b.iter(|| {
            let imported =
                jixiao_io::import::import_bytes(black_box(&bytes), Path::new("panyu.xlsx"))
                    .unwrap();
            assert_eq!(imported.len(), 1);
            imported
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
