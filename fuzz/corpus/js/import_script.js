importScript('User:Example/tool.js');
importStylesheet('User:Example/tool.css');
