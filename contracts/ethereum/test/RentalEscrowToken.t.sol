// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {RentalEscrow} from "../src/RentalEscrow.sol";
import {Asset} from "../src/lib/Asset.sol";
import {ReentrancyGuard} from "../src/base/ReentrancyGuard.sol";
import {TestStablecoin} from "../src/devnet/TestStablecoin.sol";
import {FeeOnTransferToken, NoReturnToken, FalseReturnToken, ReenteringToken} from "./mocks/Tokens.sol";

/// @notice The ERC-20 deployment of the escrow: the same rules, the token moved with checked
/// transfers, and the tokens that must be refused.
contract RentalEscrowTokenTest is Test {
    uint16 constant FEE_BPS = 100; // 1 %
    uint256 constant GRACE = 1 hours;
    uint256 constant USD = 1e6;

    TestStablecoin usd;
    RentalEscrow escrow;
    address owner = makeAddr("owner");
    address operator = makeAddr("operator");
    address treasury = makeAddr("treasury");
    address renter = makeAddr("renter");
    address host = makeAddr("host");

    bytes32 constant ID = keccak256("booking-usd");

    function setUp() public {
        vm.warp(1_700_000_000);
        usd = new TestStablecoin();
        escrow = new RentalEscrow(address(usd), owner, operator, treasury, FEE_BPS, GRACE);
        usd.mint(renter, 1_000 * USD);
        vm.prank(renter);
        usd.approve(address(escrow), type(uint256).max);
    }

    function _expiry() internal view returns (uint40) {
        return uint40(vm.getBlockTimestamp() + 1 days);
    }

    function test_fullCycle_openTopUpSettleWithdraw() public {
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Opened(ID, renter, host, address(usd), 100 * USD, _expiry(), FEE_BPS);
        vm.prank(renter);
        escrow.open(ID, host, _expiry(), 100 * USD);
        vm.assertEq(usd.balanceOf(address(escrow)), 100 * USD, "pulled");

        vm.prank(renter);
        escrow.topUp(ID, 50 * USD, 0);
        vm.assertEq(usd.balanceOf(address(escrow)), 150 * USD, "topped up");

        vm.prank(operator);
        escrow.settle(renter, ID, 120 * USD);
        vm.prank(host);
        escrow.withdraw();
        escrow.refund(renter, ID);
        vm.prank(treasury);
        escrow.withdraw();

        vm.assertEq(usd.balanceOf(host), 118.8e6, "host: used - 1 %");
        vm.assertEq(usd.balanceOf(treasury), 1.2e6, "treasury: 1 %");
        vm.assertEq(usd.balanceOf(renter), 1_000 * USD - 120 * USD, "renter: the rest back");
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "escrow empty");
    }

    function test_reclaim_returnsTokens() public {
        vm.prank(renter);
        escrow.open(ID, host, _expiry(), 100 * USD);
        vm.warp(uint256(_expiry()) + GRACE);
        vm.prank(renter);
        escrow.reclaim(ID);
        vm.assertEq(usd.balanceOf(renter), 1_000 * USD, "all back");
    }

    function test_open_refusesEthAlongsideATokenDeposit() public {
        vm.deal(renter, 1 ether);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(Asset.ValueMismatch.selector, 1, 0));
        escrow.open{value: 1}(ID, host, _expiry(), 100 * USD);
    }

    function test_topUp_pureExtensionMovesNoTokens() public {
        vm.prank(renter);
        escrow.open(ID, host, _expiry(), 100 * USD);
        uint256 held = usd.balanceOf(address(escrow));
        vm.prank(renter);
        escrow.topUp(ID, 0, _expiry() + 1 days);
        vm.assertEq(usd.balanceOf(address(escrow)), held, "no transfer");
        (,, uint40 expiresAt,,) = escrow.getRental(renter, ID);
        vm.assertEq(expiresAt, _expiry() + 1 days, "extended");
    }

    function test_open_withoutAllowanceReverts() public {
        address poor = makeAddr("poor");
        usd.mint(poor, 100 * USD);
        vm.prank(poor);
        vm.expectRevert(abi.encodeWithSelector(Asset.TokenTransferFailed.selector, address(usd)));
        escrow.open(ID, host, _expiry(), 100 * USD);
    }

    function test_open_refusesFeeOnTransferTokens() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        RentalEscrow e = new RentalEscrow(address(fot), owner, operator, treasury, FEE_BPS, GRACE);
        fot.mint(renter, 100 * USD);
        vm.startPrank(renter);
        fot.approve(address(e), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Asset.ReceivedMismatch.selector, 99 * USD, 100 * USD));
        e.open(ID, host, _expiry(), 100 * USD);
        vm.stopPrank();
    }

    function test_noReturnValueTokensWork() public {
        NoReturnToken usdt = new NoReturnToken();
        RentalEscrow e = new RentalEscrow(address(usdt), owner, operator, treasury, FEE_BPS, GRACE);
        usdt.mint(renter, 100 * USD);
        vm.prank(renter);
        usdt.approve(address(e), type(uint256).max);
        vm.prank(renter);
        e.open(ID, host, _expiry(), 100 * USD);
        vm.prank(operator);
        e.settle(renter, ID, 100 * USD);
        vm.prank(host);
        e.withdraw();
        vm.assertEq(usdt.balanceOf(host), 99 * USD, "host paid through a no-return transfer");
    }

    function test_falseReturningTokensAreCaught() public {
        FalseReturnToken bad = new FalseReturnToken();
        RentalEscrow e = new RentalEscrow(address(bad), owner, operator, treasury, FEE_BPS, GRACE);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(Asset.TokenTransferFailed.selector, address(bad)));
        e.open(ID, host, _expiry(), 100 * USD);
    }

    function test_aHookedTokenCannotReenter() public {
        ReenteringToken hooked = new ReenteringToken();
        RentalEscrow e = new RentalEscrow(address(hooked), owner, operator, treasury, FEE_BPS, GRACE);
        hooked.mint(renter, 100 * USD);
        vm.prank(renter);
        hooked.approve(address(e), type(uint256).max);
        // during the deposit's transferFrom the token tries to open a second rental
        hooked.arm(address(e), abi.encodeCall(RentalEscrow.open, (keccak256("nested"), host, _expiry(), 1)));
        vm.prank(renter);
        e.open(ID, host, _expiry(), 100 * USD);
        vm.assertFalse(hooked.lastCallSucceeded(), "nested call refused");
        vm.assertEq(
            keccak256(hooked.lastRevert()),
            keccak256(abi.encodeWithSelector(ReentrancyGuard.Reentrancy.selector)),
            "by the guard"
        );
        (,,,, RentalEscrow.Status status) = e.getRental(address(hooked), keccak256("nested"));
        vm.assertTrue(status == RentalEscrow.Status.None, "no nested rental");
    }
}
