// Conditions on the page are not consent: these run for every matching view.
var ns = mw.config.get( 'wgNamespaceNumber' );
var action = mw.config.get( 'wgAction' );

if ( ns === 0 ) {
	mw.loader.load( 'https://cond.example.com/articles.js' );
}

if ( action === 'edit' || action === 'submit' ) {
	mw.loader.load( 'https://cond.example.com/editor.css', 'text/css' );
}

switch ( mw.config.get( 'wgCanonicalSpecialPageName' ) ) {
	case 'Search':
		$.getScript( 'https://cond.example.net/search.js' );
		break;
	default:
		break;
}

var dark = window.matchMedia( '(prefers-color-scheme: dark)' ).matches;
mw.loader.load( 'https://cond.example.net/theme-' + ( dark ? 'dark' : 'light' ) + '.css', 'text/css' );

mw.config.get( 'wgIsArticle' ) && mw.loader.load( 'https://cond.example.org/article-tools.js' );

if ( $( '.infobox' ).length ) {
	new Image().src = 'https://cond.example.org/infobox.gif';
}
