// Alice's personal scripts. Everything here runs only for Alice, but each
// import hands her session to the imported page's authors.

// Bob's tool, from this wiki.
importScript( 'User:Bob/tool.js' );

// Alice's global settings, kept on Meta.
mw.loader.load( 'https://meta.wikimedia.org/w/index.php?title=User:Alice/global-settings.js&action=raw&ctype=text/javascript' );

// A user style from another wiki.
mw.loader.load( '//en.wikipedia.org/w/index.php?title=User:Alice/dark.css&action=raw&ctype=text/css', 'text/css' );

mw.hook( 'wikipage.content' ).add( function () {
	var base = mw.config.get( 'wgServer' ) + mw.config.get( 'wgScriptPath' );
	$.get( base + '/api.php?action=query&meta=userinfo&format=json' );
} );
