"""Chinese labels for the values the pages show."""

ROLE = {
    "enterprise": "企业用户",
    "lender_user": "金融机构用户",
    "lender_client": "金融机构系统",
    "office": "金融办",
    "data_operator": "数据运维",
    "admin": "管理员",
}
ENTITY_TYPE = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "farmers_cooperative": "农民专业合作社",
}
STATUS = {"active": "存续", "deregistered": "注销", "revoked": "吊销"}
SIZE_CLASS = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型", None: "—"}
