// Loads inside callbacks that run without any user action.
mw.hook( 'wikipage.content' ).add( function () {
	mw.loader.load( 'https://cb.example.com/hook.js' );
} );

$( function () {
	$.getScript( 'https://cb.example.com/ready.js' );
} );

$( document ).ready( function () {
	fetch( 'https://cb.example.com/ready.json' );
} );

jQuery( function ( $ ) {
	$.get( 'https://cb.example.com/ready2.json' );
} );

mw.loader.using( [ 'mediawiki.util' ] ).then( function () {
	mw.loader.load( 'https://cb.example.net/then.js' );
} );

mw.loader.using( 'mediawiki.api', function () {
	mw.loader.load( 'https://cb.example.net/using.css', 'text/css' );
} );

$.when( mw.loader.using( 'oojs-ui-core' ), $.ready ).done( function () {
	new Image().src = 'https://cb.example.net/pixel.gif';
} );

setTimeout( function () {
	navigator.sendBeacon( 'https://cb.example.org/beat', '1' );
}, 5000 );

window.addEventListener( 'load', function () {
	mw.loader.load( 'https://cb.example.org/onload.js' );
} );

Promise.resolve().then( () => fetch( 'https://cb.example.org/promise.json' ) );
