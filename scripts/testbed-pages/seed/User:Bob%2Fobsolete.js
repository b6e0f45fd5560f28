// Old experiment; deleted later.
mw.loader.load( 'https://gone.example.org/old.js' );
