//! Wiki structure on top of the loads the detector finds.
pub mod definition;
pub mod title;
