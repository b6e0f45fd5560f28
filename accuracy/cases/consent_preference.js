// Loads behind a stored opt-in.
if ( mw.user.options.get( 'userjs-maps-enabled' ) === '1' ) {
	mw.loader.load( 'https://pref.example.com/maps.js' );
}

if ( localStorage.getItem( 'mygadget-fonts' ) === 'yes' ) {
	mw.loader.load( 'https://pref.example.com/fonts.css', 'text/css' );
}

if ( mw.storage.get( 'mygadget-consent' ) ) {
	fetch( 'https://pref.example.net/data.json' );
}

var optedIn = mw.user.options.get( 'gadget-Translate-remote' );
if ( optedIn ) {
	$.post( 'https://pref.example.net/translate' );
}

if ( window.localStorage && window.localStorage.getItem( 'weather-consent' ) === 'granted' ) {
	$.getJSON( 'https://pref.example.org/weather?callback=?' );
}

// A skin check is not an opt-in.
if ( mw.config.get( 'skin' ) === 'vector-2022' ) {
	mw.loader.load( 'https://pref.example.org/vector.css', 'text/css' );
}
