// User:Example/common.js, grown over ten years.
importScript( 'User:Example/tools.js' );
importScript('User:Someone/twinkle-extra.js');
// importScript( 'User:Old/unused.js' ); // disabled 2019
//mw.loader.load('https://old.example.com/unused.js');
mw.loader.load( '//en.wikipedia.org/w/index.php?title=User:Example/vector.js&action=raw&ctype=text/javascript' );
mw.loader.load( 'https://meta.wikimedia.org/w/index.php?title=User:Example/global.css&action=raw&ctype=text/css', 'text/css' );
mw.loader.load('//www.mediawiki.org/w/index.php?title=User:Dev/script.js&action=raw&ctype=text/javascript');
mw.loader.load( 'https://userscripts.example.net/awesome.user.js' );

/* Settings for the tools above. */
window.toolsConfig = {
	summary: 'using [[User:Example/tools.js]]',
	helpUrl: 'https://help.example.net/tools'
};

mw.loader.using( [ 'mediawiki.util', 'mediawiki.api' ], function () {
	mw.util.addPortletLink( 'p-personal', 'https://example.net/profile', 'My site' );
} );
