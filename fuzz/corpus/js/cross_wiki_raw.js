mw.loader.load('//meta.wikimedia.org/w/index.php?title=User:Example/global.js&action=raw&ctype=text/javascript');
