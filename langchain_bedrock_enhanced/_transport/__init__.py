"""How requests reach Bedrock: boto3 sessions, the User-Agent, native async clients.

Private to the package. `sessions` builds the model's clients over one parsed copy of
botocore's data, `user_agent` caches botocore's User-Agent header per feature set,
`async_clients` keeps one aiobotocore client per (event loop, sync client) with its
request slots, and `async_capture` sends langchain-aws's request shape through them.
"""
