//! JavaScript and TypeScript front end (oxc). Placeholder until the real one lands.

pub mod consent;
pub mod fallback;

use crate::{Detection, Options};

pub fn detect(_text: &str, _typescript: bool, _options: &Options) -> Detection {
    Detection::default()
}
