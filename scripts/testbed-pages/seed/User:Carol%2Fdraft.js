// Draft gadget; renamed later.
mw.loader.load( 'https://draft.example.org/draft.js' );
