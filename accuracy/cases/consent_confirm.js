// Loads behind an explicit question.
if ( confirm( 'Load the map from map.example.com?' ) ) {
	mw.loader.load( 'https://confirm.example.com/map.js' );
}

if ( window.confirm( 'Send the text to a translation service?' ) ) {
	fetch( 'https://confirm.example.com/translate' );
}

OO.ui.confirm( 'Load fonts from fonts.example.net?' ).done( function ( ok ) {
	if ( ok ) {
		mw.loader.load( 'https://confirm.example.net/fonts.css', 'text/css' );
	}
} );

function maybeLoad() {
	if ( !confirm( 'Load the player?' ) ) {
		return;
	}
	$.getScript( 'https://confirm.example.net/player.js' );
}
maybeLoad();

OO.ui.confirm( 'Enable live updates?' ).then( function ( confirmed ) {
	if ( !confirmed ) {
		return;
	}
	new WebSocket( 'wss://confirm.example.org/live' );
} );

// Asked, but the answer is ignored: not gated.
confirm( 'Hello!' );
$.getScript( 'https://confirm.example.org/anyway.js' );
