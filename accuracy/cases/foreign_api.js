// mw.Api and mw.ForeignApi: the load is the constructed client (see README).
var api = new mw.Api();
api.get( { action: 'query', list: 'recentchanges' } );

var commons = new mw.ForeignApi( '//commons.wikimedia.org/w/api.php' );
commons.get( { action: 'query', titles: 'File:Example.jpg' } );

var wd = new mw.ForeignApi( 'https://www.wikidata.org/w/api.php', { anonymous: true } );
wd.get( { action: 'wbgetentities', ids: 'Q1' } );

var fandom = new mw.ForeignApi( 'https://community.example.org/api.php' );
fandom.get( { action: 'query' } );

// The local API: an XHR to the wiki itself.
new mw.Api().postWithToken( 'csrf', { action: 'purge', titles: 'Main Page' } );
