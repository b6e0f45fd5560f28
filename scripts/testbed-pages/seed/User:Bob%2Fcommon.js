// Bob uses his own tool
importScript( 'User:Bob/tool.js' );
