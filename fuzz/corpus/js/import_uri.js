importScriptURI('https://cdn.example.net/lib.min.js');
importStylesheetURI('https://cdn.example.net/lib.css', 'screen');
