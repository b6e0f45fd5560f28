//! MediaWiki's `$wgCSPHeader` / `$wgCSPReportOnlyHeader`: the PHP array form and the header MediaWiki 1.39 builds from it.
