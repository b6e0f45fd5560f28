/* Any JavaScript here will be loaded for all users on every page load. */

// Feedback widget (protocol-relative: follows the page's scheme)
mw.loader.load( '//widgets.example.com/feedback.js' );

// WikiMiniAtlas from Meta (Wikimedia production, cross-wiki)
mw.loader.load( '//meta.wikimedia.org/w/index.php?title=MediaWiki:Wikiminiatlas.js&action=raw&ctype=text/javascript' );
