"""The partner network (共建共享): organisations, their members' contributions, the curators'
review, the shared resource library, embeds on partners' sites and each organisation's numbers."""
