// Carol loads her library through action=raw
mw.loader.load( mw.config.get( 'wgScript' ) + '?title=User:Carol/lib.js&action=raw&ctype=text/javascript' );
