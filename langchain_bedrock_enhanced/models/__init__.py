"""Model families, one module each, found by `langchain_bedrock_enhanced.models._registry`.

Each module defines one `EnhancedChatBedrockConverse` subclass and its parameter
classes. Adding a family means adding one module here (or publishing one under the
`langchain_bedrock_enhanced.models` entry-point group); nothing else changes.

Example:
    >>> from langchain_bedrock_enhanced.models.claude import ClaudeEnhancedChatBedrockConverse
    >>> ClaudeEnhancedChatBedrockConverse.PROVIDER
    'anthropic'
"""
