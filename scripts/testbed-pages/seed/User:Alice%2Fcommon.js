// Alice's personal scripts
importScript( 'User:Bob/tool.js' );

// my global script from Meta (cross-wiki)
mw.loader.load( '//meta.wikimedia.org/w/index.php?title=User:Alice/global.js&action=raw&ctype=text/javascript' );
