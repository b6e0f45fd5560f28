// A package gadget (Gadgets-definition option `package`): files are bundled
// by ResourceLoader, so require() of a bundled file is not a network load.
var data = require( './data.json' );
var util = require( 'mediawiki.util' );

function init() {
	mw.loader.using( [ 'oojs-ui-core', 'oojs-ui-widgets' ] ).then( function () {
		var button = new OO.ui.ButtonWidget( { label: data.label } );
		$( '#content' ).prepend( button.$element );
		button.on( 'click', function () {
			mw.loader.load( data.cdn + 'viewer.js' );
		} );
	} );
	util.addCSS( '.pkg-banner { background-image: url(' + data.banner + '); }' );
}

module.exports = { init: init };
init();
