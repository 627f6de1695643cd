//! jixiao-io: formats in and out of the model. This stage: the project file (TOML, JSON) and its schema.

mod project_file;

pub use project_file::{from_json, from_toml, load, schema, to_json, to_toml, Format, LoadError};
