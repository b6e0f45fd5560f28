//! The rule catalogue: one file per rule, in code order.

mod cross_wiki_code_import;
mod executable_code_from_wmcs;
mod expired_exemption;
mod plain_http_load;
mod remote_data_request;
mod remote_executable_code;
mod remote_form_target;
mod remote_frame;
mod remote_media;
mod remote_stylesheet;
mod third_party_load_without_consent;
mod unpinned_remote_code;
mod unresolvable_load_target;

#[cfg(test)]
pub(crate) mod testing;

use crate::rule::Rule;

pub(crate) use expired_exemption::EXPIRED_EXEMPTION;

/// Every rule, in code order.
pub(crate) const ALL: [Rule; 13] = [
    remote_executable_code::REMOTE_EXECUTABLE_CODE,
    remote_stylesheet::REMOTE_STYLESHEET,
    remote_data_request::REMOTE_DATA_REQUEST,
    remote_media::REMOTE_MEDIA,
    remote_frame::REMOTE_FRAME,
    remote_form_target::REMOTE_FORM_TARGET,
    unresolvable_load_target::UNRESOLVABLE_LOAD_TARGET,
    third_party_load_without_consent::THIRD_PARTY_LOAD_WITHOUT_CONSENT,
    plain_http_load::PLAIN_HTTP_LOAD,
    unpinned_remote_code::UNPINNED_REMOTE_CODE,
    executable_code_from_wmcs::EXECUTABLE_CODE_FROM_WMCS,
    cross_wiki_code_import::CROSS_WIKI_CODE_IMPORT,
    expired_exemption::EXPIRED_EXEMPTION,
];

/// A rule by code (`OS101`, any case) or name (`remote-executable-code`).
pub(crate) fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// The index of a rule in [`ALL`].
pub(crate) fn index_of(code: &str) -> Option<usize> {
    ALL.iter().position(|r| r.code == code)
}
