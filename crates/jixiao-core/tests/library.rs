//! The built-in indicator library: at least 500 entries gathered from published tables, each with a
//! source, and every example target one the value language reads.

use jixiao_core::library::Library;
use jixiao_core::value::{self, ValueKind};

#[test]
fn the_library_holds_500_sourced_indicators() {
    let lib = Library::builtin();
    assert!(lib.entries.len() >= 500, "{} entries", lib.entries.len());
    for e in &lib.entries {
        assert!(!e.examples.is_empty(), "{} has no example", e.id);
        for x in &e.examples {
            assert!(
                x.source.chars().count() >= 8,
                "{}: source “{}” does not say where the target was published",
                e.id,
                x.source
            );
        }
    }
    // Every level-1 group is there.
    for group in ["产出指标", "效益指标", "满意度指标", "成本指标"] {
        assert!(lib.entries.iter().any(|e| e.level1 == group), "{group}");
    }
}

#[test]
fn every_example_target_parses() {
    let mut bad = Vec::new();
    for e in &Library::builtin().entries {
        for x in &e.examples {
            let v = value::parse(&x.target);
            if matches!(
                v.kind,
                ValueKind::Unparsed { .. } | ValueKind::Empty | ValueKind::NotApplicable
            ) {
                bad.push(format!(
                    "{} {}: “{}” → {}",
                    e.id,
                    e.name,
                    x.target,
                    v.describe()
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} examples unread:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn a_typed_name_finds_its_entry_first() {
    let lib = Library::builtin();
    // Each entry's own name finds it (or an entry of the same name) first.
    for e in &lib.entries {
        let hits = lib.search(&e.name, 5);
        assert!(
            hits.first().is_some_and(|h| h.name == e.name),
            "{} {}: first hit {:?}",
            e.id,
            e.name,
            hits.first().map(|h| &h.name)
        );
    }
    // A fragment matches by prefix or containment; nothing matches nothing.
    assert!(!lib.search("满意", 10).is_empty());
    assert!(lib.search("  ", 10).is_empty());
    assert!(lib.search("量子纠缠通信卫星", 10).is_empty());
}
