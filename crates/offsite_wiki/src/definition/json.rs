//! `MediaWiki:Gadgets/<id>.json` pages (content model `GadgetDefinition`),
//! read as `MediaWikiGadgetsJsonRepo` and `Gadget::serializeDefinition` read
//! them, with the defaults of `GadgetDefinitionContentHandler::getDefaultMetadata`.
//!
//! Tolerant in (unknown keys are kept as `unknown_options`, a missing section
//! takes its defaults), strict inside (a known key of the wrong type is an
//! error naming the page and the key).

use serde_json::{Map, Value};

use super::{
    DefinitionOrigin, GadgetDefinition, RESOURCE_TITLE_PREFIX, is_valid_gadget_id, resolve_kind,
};
use crate::title::{Namespaces, ns};

/// Why a JSON gadget definition could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JsonDefinitionError {
    #[error("{title} is not a gadget definition page: expected MediaWiki:Gadgets/<id>.json")]
    NotADefinitionPage { title: String },
    #[error("{title}: `{id}` is not a valid gadget id")]
    InvalidId { title: String, id: String },
    #[error("{title}: not valid JSON: {source}")]
    Json {
        title: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{title}: `{field}` {message}")]
    Field {
        title: String,
        field: String,
        message: String,
    },
}

/// The gadget id of a definition page title (`MediaWiki:Gadgets/Foo.json` →
/// `Foo`), after title normalisation; `None` for any other title.
pub fn gadget_id_from_json_title(title: &str) -> Option<String> {
    let t = Namespaces::english().parse(title);
    if t.namespace != ns::MEDIAWIKI {
        return None;
    }
    let id = t.text.strip_prefix("Gadgets/")?.strip_suffix(".json")?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// Parse one JSON gadget definition page.
pub fn parse_json(title: &str, text: &str) -> Result<GadgetDefinition, JsonDefinitionError> {
    let id = gadget_id_from_json_title(title).ok_or_else(|| {
        JsonDefinitionError::NotADefinitionPage {
            title: title.to_owned(),
        }
    })?;
    if !is_valid_gadget_id(&id) {
        return Err(JsonDefinitionError::InvalidId {
            title: title.to_owned(),
            id,
        });
    }
    let root: Value = serde_json::from_str(text).map_err(|source| JsonDefinitionError::Json {
        title: title.to_owned(),
        source,
    })?;
    let r = Reader { title };
    let root = r.object(&root, "(root)")?;
    let empty = Map::new();
    let settings = match root.get("settings") {
        Some(v) => r.object(v, "settings")?,
        None => &empty,
    };
    let module = match root.get("module") {
        Some(v) => r.object(v, "module")?,
        None => &empty,
    };

    let page = crate::title::normalize_title(title, &Namespaces::english());
    let mut g = GadgetDefinition::new(&id, DefinitionOrigin::Json { page });
    // JSON gadgets always go through ResourceLoader (`resourceLoaded => true`).
    g.resource_loader = true;
    for key in root.keys() {
        if key != "settings" && key != "module" {
            g.unknown_options.push(key.clone());
        }
    }
    for (key, value) in settings {
        let field = format!("settings.{key}");
        match key.as_str() {
            "rights" => g.rights = r.strings(value, &field)?,
            "default" => g.default = r.bool(value, &field)?,
            "package" => g.package = r.bool(value, &field)?,
            "hidden" => g.hidden = r.bool(value, &field)?,
            "requiresES6" => g.requires_es6 = r.bool(value, &field)?,
            "supportsUrlLoad" => g.supports_url_load = r.bool(value, &field)?,
            // The schema allows `true` (or `false`) for "every skin".
            "skins" => {
                g.skins = match value {
                    Value::Bool(_) => Vec::new(),
                    v => r.strings(v, &field)?,
                }
            }
            "actions" => g.actions = r.strings(value, &field)?,
            "namespaces" => g.namespaces = r.namespaces(value, &field)?,
            "categories" => g.categories = r.strings(value, &field)?,
            "contentModels" => g.content_models = r.strings(value, &field)?,
            "category" => g.section = r.string(value, &field)?,
            _ => g.unknown_options.push(field),
        }
    }
    let mut explicit_type = None;
    for (key, value) in module {
        let field = format!("module.{key}");
        match key.as_str() {
            "pages" => {
                g.pages = r
                    .strings(value, &field)?
                    .into_iter()
                    .map(|p| format!("{RESOURCE_TITLE_PREFIX}{p}"))
                    .collect();
            }
            "dependencies" => g.dependencies = r.strings(value, &field)?,
            "peers" => g.peers = r.strings(value, &field)?,
            "codexIcons" => g.codex_icons = r.strings(value, &field)?,
            "type" => explicit_type = Some(r.string(value, &field)?),
            // Messages are loaded with the module; they fetch nothing.
            "messages" => {
                r.strings(value, &field)?;
            }
            _ => g.unknown_options.push(field),
        }
    }
    if let Some(t) = &explicit_type
        && !matches!(t.as_str(), "" | "styles" | "general")
    {
        return Err(r.field(
            "module.type",
            format!("is `{t}`, not `styles` or `general`"),
        ));
    }
    g.kind = resolve_kind(explicit_type.as_deref(), &g.pages, &g.dependencies);
    Ok(g)
}

struct Reader<'a> {
    title: &'a str,
}

impl Reader<'_> {
    fn field(&self, field: &str, message: String) -> JsonDefinitionError {
        JsonDefinitionError::Field {
            title: self.title.to_owned(),
            field: field.to_owned(),
            message,
        }
    }

    fn wrong(&self, field: &str, want: &str, got: &Value) -> JsonDefinitionError {
        self.field(field, format!("must be {want}, found {}", kind(got)))
    }

    fn object<'v>(
        &self,
        v: &'v Value,
        field: &str,
    ) -> Result<&'v Map<String, Value>, JsonDefinitionError> {
        v.as_object()
            .ok_or_else(|| self.wrong(field, "an object", v))
    }

    fn bool(&self, v: &Value, field: &str) -> Result<bool, JsonDefinitionError> {
        v.as_bool()
            .ok_or_else(|| self.wrong(field, "true or false", v))
    }

    fn string(&self, v: &Value, field: &str) -> Result<String, JsonDefinitionError> {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.wrong(field, "a string", v))
    }

    fn strings(&self, v: &Value, field: &str) -> Result<Vec<String>, JsonDefinitionError> {
        let items = v
            .as_array()
            .ok_or_else(|| self.wrong(field, "an array of strings", v))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.string(item, &format!("{field}[{i}]")))
            .collect()
    }

    /// The schema wants numbers; numeric strings are accepted because the
    /// extension compares loosely (`Gadget::isNamespaceSupported`).
    fn namespaces(&self, v: &Value, field: &str) -> Result<Vec<String>, JsonDefinitionError> {
        let items = v
            .as_array()
            .ok_or_else(|| self.wrong(field, "an array of namespace ids", v))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Number(n) if n.is_i64() => Ok(n.to_string()),
                Value::String(s) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().to_owned()),
                other => Err(self.wrong(&format!("{field}[{i}]"), "a namespace id", other)),
            })
            .collect()
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::GadgetKind;

    const HOTCAT: &str = include_str!("../../tests/fixtures/Gadgets-HotCat.json");

    #[test]
    fn full_definition() {
        let g = parse_json("MediaWiki:Gadgets/HotCat.json", HOTCAT).expect("valid");
        assert_eq!(g.id, "HotCat");
        assert_eq!(g.section, "editing");
        assert!(g.resource_loader && g.default && !g.hidden && g.supports_url_load);
        assert_eq!(g.rights, ["edit"]);
        assert_eq!(g.skins, ["vector-2022", "monobook"]);
        assert_eq!(g.actions, ["view"]);
        assert_eq!(g.namespaces, ["0", "14"]);
        assert_eq!(g.content_models, ["wikitext"]);
        assert_eq!(
            g.pages,
            ["MediaWiki:Gadget-HotCat.js", "MediaWiki:Gadget-HotCat.css"]
        );
        assert_eq!(g.dependencies, ["mediawiki.util", "ext.gadget.libJQuery"]);
        assert_eq!(g.peers, ["HotCat-styles"]);
        assert_eq!(g.codex_icons, ["cdxIconTag"]);
        assert_eq!(g.kind, GadgetKind::General);
        assert_eq!(g.unknown_options, ["settings.targets"]);
        assert_eq!(g.source_line, None);
        assert_eq!(
            g.origin,
            DefinitionOrigin::Json {
                page: "MediaWiki:Gadgets/HotCat.json".into()
            }
        );
    }

    #[test]
    fn missing_sections_take_defaults() {
        let g = parse_json("mediawiki:Gadgets/Dark_mode.json", "{}").expect("valid");
        assert_eq!(g.id, "Dark mode");
        assert!(g.pages.is_empty() && !g.default && g.resource_loader);
        let g = parse_json(
            "MediaWiki:Gadgets/S.json",
            r#"{"settings":{"skins":true},"module":{"pages":["s.css"]}}"#,
        )
        .expect("valid");
        assert!(g.skins.is_empty());
        assert_eq!(g.kind, GadgetKind::Styles);
    }

    #[test]
    fn errors_name_the_page_and_field() {
        let e = parse_json(
            "MediaWiki:Gadgets/X.json",
            r#"{"settings":{"default":"yes"}}"#,
        )
        .expect_err("string default");
        assert_eq!(
            e.to_string(),
            "MediaWiki:Gadgets/X.json: `settings.default` must be true or false, found a string"
        );
        let e = parse_json(
            "MediaWiki:Gadgets/X.json",
            r#"{"module":{"pages":["a.js",3]}}"#,
        )
        .expect_err("number page");
        assert!(e.to_string().contains("`module.pages[1]`"), "{e}");
        let e = parse_json("MediaWiki:Gadgets/X.json", "{").expect_err("bad json");
        assert!(
            e.to_string()
                .starts_with("MediaWiki:Gadgets/X.json: not valid JSON"),
            "{e}"
        );
        let e = parse_json("MediaWiki:Gadgets/X.json", r#"{"module":{"type":"bogus"}}"#)
            .expect_err("bad type");
        assert!(e.to_string().contains("module.type"), "{e}");
        let e = parse_json("MediaWiki:Gadget-X.js", "{}").expect_err("wrong page");
        assert!(matches!(e, JsonDefinitionError::NotADefinitionPage { .. }));
        let e = parse_json("MediaWiki:Gadgets/a,b.json", "{}").expect_err("bad id");
        assert!(matches!(e, JsonDefinitionError::InvalidId { .. }));
        let e = parse_json("MediaWiki:Gadgets/X.json", "[]").expect_err("array root");
        assert!(e.to_string().contains("`(root)` must be an object"), "{e}");
    }

    #[test]
    fn namespace_ids_as_numbers_or_numeric_strings() {
        let g = parse_json(
            "MediaWiki:Gadgets/N.json",
            r#"{"settings":{"namespaces":[0," 2",-1]}}"#,
        )
        .expect("valid");
        assert_eq!(g.namespaces, ["0", "2", "-1"]);
        assert!(
            parse_json(
                "MediaWiki:Gadgets/N.json",
                r#"{"settings":{"namespaces":["Talk"]}}"#
            )
            .is_err()
        );
    }
}
