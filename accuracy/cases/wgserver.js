// URLs on the wiki itself, written through configuration values.
var server = mw.config.get( 'wgServer' );
var script = mw.config.get( 'wgScript' );

mw.loader.load( server + script + '?title=MediaWiki:Gadget-extra.js&action=raw&ctype=text/javascript' );
mw.loader.load( mw.config.get( 'wgScript' ) + '?title=MediaWiki:Gadget-extra.css&action=raw&ctype=text/css', 'text/css' );
$.getJSON( mw.util.wikiScript( 'api' ), { action: 'query', format: 'json' } );
fetch( location.origin + '/w/rest.php/v1/page/Main_Page' );
mw.loader.load( mw.util.getUrl( 'User:Example/tool.js', { action: 'raw', ctype: 'text/javascript' } ) );
$.get( mw.config.get( 'wgScriptPath' ) + '/api.php?action=query' );
new Image().src = location.protocol + '//' + location.host + '/beacon/impression';
