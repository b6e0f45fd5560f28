// Wikimedia Cloud Services hosts.
mw.loader.load( 'https://tools-static.wmflabs.org/cdnjs/ajax/libs/jquery.tablesorter/2.31.3/js/jquery.tablesorter.min.js' );
mw.loader.load( 'https://tools-static.wmflabs.org/fontcdn/css?family=Open+Sans', 'text/css' );
$.getJSON( 'https://xtools.toolforge.org/api/user/simple_editcount/en.wikipedia/Example' );
fetch( 'https://example-tool.toolforge.org/api/v1/status' );
mw.loader.load( 'https://gadgets.wmcloud.org/dist/tool.js' );
mw.loader.load( 'https://en.wikipedia.beta.wmcloud.org/w/index.php?title=User:Example/beta.js&action=raw&ctype=text/javascript' );
new Image().src = 'https://tools.wmflabs.org/oldtool/pixel.png';
new WebSocket( 'wss://chat.toolforge.org/ws' );
