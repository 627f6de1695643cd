//! jixiao-io: formats in and out of the model: the project file (TOML, JSON) and its schema, and the
//! importers of official Excel templates, published report text, PDF and Word ([`import`]).

pub mod import;
mod project_file;

pub use import::{import_file, load_any, load_any_with_findings, ImportError, Imported, Origin, Provenance};
pub use project_file::{from_json, from_toml, load, schema, to_json, to_toml, Format, LoadError, MAX_PROJECT_FILE_BYTES};
