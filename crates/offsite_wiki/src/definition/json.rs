pub fn parse_json() {}
pub fn gadget_id_from_json_title() {}
#[derive(Debug)]
pub struct JsonDefinitionError;
