//! jixiao-io: formats in and out of the model: the project file (TOML, JSON) and its schema, and the
//! importers of official Excel templates, published report text, PDF and Word ([`import`]).

pub mod goals_xlsx;
pub mod import;
pub mod monitor_xlsx;
mod project_file;
mod sheet;
mod xlsx_write;

pub use goals_xlsx::{GoalsError, read_declaration, read_declarations, write_declaration};
pub use import::{
    ImportError, Imported, Origin, Provenance, import_bytes, import_file, load_any,
    load_any_with_findings,
};
pub use monitor_xlsx::{MonitorError, ReadMonitorForm, read_monitor_forms, write_monitor_form};
pub use project_file::{
    Format, LoadError, MAX_PROJECT_FILE_BYTES, from_json, from_toml, load, schema, to_json, to_toml,
};
