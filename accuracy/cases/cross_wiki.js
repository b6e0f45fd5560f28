// Loads from other Wikimedia wikis: first party.
mw.loader.load( '//meta.wikimedia.org/w/index.php?title=User:Example/global.js&action=raw&ctype=text/javascript' );
mw.loader.load( 'https://en.wikipedia.org/w/index.php?title=User:Example/dark.css&action=raw&ctype=text/css', 'text/css' );
mw.loader.load( 'https://www.mediawiki.org/w/index.php?title=MediaWiki:Gadget-tool.js&action=raw&ctype=text/javascript' );
$.getJSON( 'https://www.wikidata.org/w/api.php?action=wbgetentities&ids=Q42&format=json&origin=*' );
new Image().src = 'https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg';
fetch( 'https://api.wikimedia.org/core/v1/wikipedia/en/page/Earth' );
mw.loader.load( 'https://de.wiktionary.org/w/index.php?title=MediaWiki:Gadget-x.js&action=raw&ctype=text/javascript' );

// The language is a run-time value; the domain is still Wikipedia's.
var lang = mw.config.get( 'wgUserLanguage' );
$.getJSON( 'https://' + lang + '.wikipedia.org/w/api.php?action=query&format=json&origin=*' );

// A look-alike domain is not Wikimedia.
mw.loader.load( 'https://wikipedia.org.example.com/evil.js' );
mw.loader.load( 'https://en.wikipedia.example.org/lookalike.js' );
