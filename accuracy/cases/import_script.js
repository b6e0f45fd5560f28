// The legacy wikibits loaders: page titles and URLs.
importScript( 'User:Example/tools.js' );
importScript( 'MediaWiki:Gadget-shared.js' );
importStylesheet( 'User:Example/skin.css' );
importScriptURI( 'https://scripts.example.com/legacy.js' );
importStylesheetURI( 'https://styles.example.com/legacy.css', 'screen' );
importScriptURI( '//commons.wikimedia.org/w/index.php?title=MediaWiki:Gadget-x.js&action=raw&ctype=text/javascript' );
window.importScript( 'User:Other/helper.js' );

// importScriptPage (Fandom-style) is not a MediaWiki core loader; a local
// function with that name is just a function here.
function importScriptPage( page ) {
	return page;
}
importScriptPage( 'MediaWiki:Nothing.js' );
