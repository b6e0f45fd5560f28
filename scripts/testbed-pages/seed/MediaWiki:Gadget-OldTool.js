// OldTool: a legacy gadget that was never migrated to ResourceLoader.
importScriptURI( 'http://legacy.example.com/oldtool.js' );
importStylesheetURI( 'http://legacy.example.com/oldtool.css' );
